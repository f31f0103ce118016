using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Pages.Account;

public sealed class LogoutModel(SignInHandler signIn) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync(User.Identity?.Name);
        return RedirectToPage("Login");
    }
}
