using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Platform.WebUi;

namespace Platform.BuildingBlocks.Tests.WebUi;

/// <summary>The answer to a form that worked: 303 to a path of the same origin, never to another site.</summary>
public sealed class SeeOtherResultTests
{
    [Fact]
    public async Task Answers_303_with_the_path_as_location()
    {
        var http = new DefaultHttpContext();
        await new SeeOtherResult("/break-glass?read=ab12").ExecuteResultAsync(new ActionContext(http, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        Assert.Equal(StatusCodes.Status303SeeOther, http.Response.StatusCode);
        Assert.Equal("/break-glass?read=ab12", http.Response.Headers.Location.ToString());
    }

    [Theory]
    [InlineData("https://elsewhere.example/")]
    [InlineData("//elsewhere.example/")]
    [InlineData("/\\elsewhere.example/")]
    [InlineData("relative")]
    public void Refuses_a_target_outside_this_origin(string target) =>
        Assert.Throws<ArgumentException>(() => new SeeOtherResult(target));
}
